// init, info, classes: creating a project and reading what it holds.
import { listImports } from '../../project/dataset-catalog.js';
import { listClasses } from '../../project/classes.js';
import { labelSummary } from '../../project/labels.js';
import { createProject, projectInfo } from '../../project/project.js';
import { previewBilinearSwitch, switchToBilinear } from '../../project/resampling.js';
import { listRuns } from '../../project/runs.js';
import { UsageError, type Command } from '../command.js';
import { table } from '../output.js';
import { withProject } from '../project-access.js';

export const initCommand: Command = {
  name: 'init',
  usage: 'DIR [--name NAME]',
  summary: 'create a project in a new or empty folder',
  details: 'The folder gets project.sqlite, thumbs/, models/ and exports/. Source images stay where they are.',
  options: { name: { type: 'string' } },
  optionHelp: { name: 'the project name shown in the app (default: the folder name)' },
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, options, out }) {
    const project = createProject(args[0]!, typeof options.name === 'string' ? options.name : undefined);
    try {
      const info = projectInfo(project);
      out.result({ path: info.path, name: info.name, schemaVersion: info.schemaVersion }, () => `Created project "${info.name}" in ${info.path}`);
      return 0;
    } finally {
      project.close();
    }
  },
};

const SPLIT_ORDER = ['train', 'val', 'test', 'unassigned'] as const;

function projectSummary(dir: string) {
  return withProject(dir, (project) => {
    const info = projectInfo(project);
    const labels = labelSummary(project.db);
    const counts = new Map(labels.perClass.map((c) => [c.classId, c.count]));
    const lastImport = listImports(project.db, 1)[0] ?? null;
    const runs = listRuns(project.db, 5);
    return {
      path: info.path,
      name: info.name,
      schemaVersion: info.schemaVersion,
      images: { total: labels.total, labeled: labels.labeled, unlabeled: labels.unlabeled },
      classes: info.classes.map((c) => ({ id: c.id, name: c.name, count: counts.get(c.id) ?? 0 })),
      splits: Object.fromEntries(SPLIT_ORDER.map((split) => [split, labels.perSplit.find((s) => s.split === split)?.count ?? 0])),
      lastImport: lastImport && { id: lastImport.id, kind: lastImport.kind, source: lastImport.source, status: lastImport.status, finishedAt: lastImport.finishedAt },
      runs: runs.map((r) => ({ id: r.id, status: r.status, backboneId: r.backboneId, valAccuracy: r.valAccuracy, testAccuracy: r.testAccuracy })),
    };
  }, { readOnlyOk: true });
}

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

export const infoCommand: Command = {
  name: 'info',
  usage: 'PROJECT',
  summary: 'what a project holds: images, labels, classes, splits, imports, runs',
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, out }) {
    const s = await projectSummary(args[0]!);
    out.result(s, () => [
      `Project   ${s.name} (${s.path}, schema ${s.schemaVersion})`,
      `Images    ${s.images.total} (${s.images.labeled} labeled, ${s.images.unlabeled} unlabeled)`,
      `Classes   ${s.classes.length ? s.classes.map((c) => `${c.name} ${c.count}`).join(', ') : 'none yet'}`,
      `Splits    ${Object.entries(s.splits).map(([split, n]) => `${split} ${n}`).join(', ')}`,
      `Import    ${s.lastImport ? `#${s.lastImport.id} ${s.lastImport.kind} ${s.lastImport.status}: ${s.lastImport.source}` : 'none yet'}`,
      `Runs      ${s.runs.length ? s.runs.map((r) => `#${r.id} ${r.status} val ${percent(r.valAccuracy)} test ${percent(r.testAccuracy)}`).join('; ') : 'none yet'}`,
    ]);
    return 0;
  },
};

export const classesCommand: Command = {
  name: 'classes',
  usage: 'PROJECT',
  summary: 'the classes with their image counts and shortcut keys',
  positionals: { min: 1, max: 1, names: 'a project folder' },
  async run({ args, out }) {
    const rows = await withProject(args[0]!, (project) => {
      const counts = new Map(labelSummary(project.db).perClass.map((c) => [c.classId, c.count]));
      return listClasses(project.db).map((c) => ({ id: c.id, name: c.name, images: counts.get(c.id) ?? 0, shortcut: c.shortcut, color: c.color }));
    }, { readOnlyOk: true });
    out.result(rows, () => (rows.length ? table([['id', 'class', 'images', 'key'], ...rows.map((r) => [r.id, r.name, r.images, r.shortcut ?? ''])]) : 'No classes yet: import a class/image folder or a path,label CSV.'));
    return 0;
  },
};

function describeSpec(r: { previous: string; previousColourProfile: string }): string {
  return `${r.previous}, colour profiles ${r.previousColourProfile === 'ignore' ? 'ignored' : 'converted to sRGB'}`;
}

export const resamplingCommand: Command = {
  name: 'resampling',
  usage: 'PROJECT bilinear [--yes]',
  summary: "move an older project to new projects' preprocessing: bilinear resize, colour profiles ignored",
  details: [
    "New projects resize with the studio's bilinear and decode without colour-profile conversion, which",
    "Teachable Machine, TF.js, ONNX and Python pipelines reproduce; projects made earlier keep sharp's",
    'Lanczos3 (or the conversion of colour profiles to sRGB) until moved. Without --yes it',
    'only says what would happen. The next train embeds every photo again (cached embeddings are',
    'keyed by the spec); past runs keep the spec they recorded and their cached embeddings.',
  ].join('\n'),
  options: { yes: { type: 'boolean' } },
  optionHelp: { yes: 'switch now (the confirmation)' },
  positionals: { min: 2, max: 2, names: 'a project folder and the kernel (bilinear)' },
  async run({ args, options, out }) {
    if (args[1] !== 'bilinear') throw new UsageError(`resampling can only move a project to bilinear, not ${JSON.stringify(args[1])}.`);
    const confirmed = options.yes === true;
    const r = await withProject(args[0]!, (project) => (confirmed ? switchToBilinear(project.db) : { ...previewBilinearSwitch(project.db), settings: null }));
    const done = confirmed && r.changed;
    out.result({ ...r, switched: done }, () =>
      !r.changed
        ? 'The project already resizes with bilinear and ignores colour profiles: nothing to do.'
        : done
          ? [`Switched from ${describeSpec(r)} to bilinear, colour profiles ignored.`, `The next train embeds all ${r.imagesToEmbed} photos again; past runs keep their spec (${r.cachedVectorsKept} cached embeddings kept for them).`]
          : [
              `The project uses ${describeSpec(r)}. Switching to bilinear with colour profiles ignored makes the next train embed all ${r.imagesToEmbed} photos again;`,
              'past runs keep their spec. Nothing changed: run again with --yes to switch.',
            ],
    );
    return 0;
  },
};
