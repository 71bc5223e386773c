// What was dropped on the Library, as files with their paths inside the drop: a dropped folder
// is walked (webkitGetAsEntry) so its class sub-folders come along. Serve mode uploads these;
// the window reads their real paths instead (window.studioFilePath).

export interface DroppedFile {
  file: File;
  /** "cats/001.jpg" for a file inside a dropped folder "cats"; "a.jpg" for a dropped file. */
  relativePath: string;
}

export interface Dropped {
  files: DroppedFile[];
  /** The dropped items themselves (files and top folders), by name. */
  topNames: string[];
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in chunks (100 in Chromium) until it answers with none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((chunk) => {
        if (chunk.length === 0) resolve(all);
        else {
          all.push(...chunk);
          next();
        }
      }, reject);
    next();
  });
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  // Hidden files and folders (.DS_Store, .git) are no photos; the import skips them too.
  if (entry.name.startsWith('.')) return;
  const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) out.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath });
  else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, relativePath, out);
  }
}

export async function readDrop(data: DataTransfer): Promise<Dropped> {
  // Entries must be taken synchronously, before the first await, or the browser empties the list.
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  const plain = [...data.files];
  const files: DroppedFile[] = [];
  const topNames: string[] = [];
  if (entries.every((e) => e === null)) {
    for (const file of plain) files.push({ file, relativePath: file.name });
    return { files, topNames: plain.map((f) => f.name) };
  }
  for (const entry of entries) {
    if (!entry || entry.name.startsWith('.')) continue;
    topNames.push(entry.name);
    await walk(entry, '', files);
  }
  return { files, topNames };
}

/** Does this drag carry files (not text or a thumbnail dragged inside the page)? */
export function carriesFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}
