// import-keras: a .keras model (the training bundle's output/model.keras) back into its project
// as a new run, through the same import:keras job as the studio's button: checked against the
// project's classes and backbone, then evaluated on the val/test splits like a trained run.
import path from 'node:path';
import { UsageError, type Command } from '../command.js';
import { followJob } from '../jobs.js';
import { jobFailureCode } from '../output.js';
import { withStudio } from '../studio-session.js';

export const importKerasCommand: Command = {
  name: 'import-keras',
  usage: 'PROJECT MODEL.keras',
  summary: "import a .keras model (the training bundle's output/model.keras) as a new run, evaluated like a trained one",
  details:
    'preprocessing.json must sit beside the .keras file (train.py writes both into output/). The model must have the project\'s classes in the same order and its backbone\'s weights unchanged (train.py --fine-tune-epochs 0); anything else is refused with the reason. The new run\'s figures on stdout (one JSON line with --json: run_id, val_acc, test_acc).',
  options: {},
  optionHelp: {},
  positionals: { min: 2, max: 2, names: 'a project folder and a .keras file' },
  async run({ args, out, signal }) {
    const [projectDir, fileArg] = args;
    if (!fileArg) throw new UsageError('import-keras needs the .keras file to import.');
    const file = path.resolve(fileArg);
    return withStudio(projectDir!, async (client) => {
      const end = await followJob(client, () => client.invoke('import:keras', { file }), { progress: out.progress(), signal });
      if (end.status !== 'done') return out.failure(jobFailureCode(end.status, end.error), `Import ${end.status}${end.error ? `: ${end.error}` : ''}`);
      const [run] = await client.invoke('runs:list', { limit: 1 });
      const detail = await client.invoke('runs:get', { runId: run!.id });
      const result = { run_id: detail.id, val_acc: detail.valAccuracy, test_acc: detail.testAccuracy, backbone: detail.backboneId, classes: detail.classNames, file };
      out.result(result, () => [
        `Imported ${file} as run ${result.run_id} (backbone ${result.backbone}; classes ${result.classes.join(', ')})`,
        `Validation accuracy ${result.val_acc ?? 'n/a'}, test accuracy ${result.test_acc ?? 'n/a (no test split)'}`,
      ]);
      return 0;
    });
  },
};
