/**
 * `cli` (Node): the pieces of gankit's scripts and `gankit` command: flags shared by every training
 * script, the runners behind the examples (outputs, `--resume`, Ctrl-C), and one-line error reports.
 *
 * @packageDocumentation
 */
export {
  parseTrainingArgs,
  parseProgram,
  addTrainingOptions,
  trainingArgsFrom,
  positiveIntegerFlag,
  nonNegativeIntegerFlag,
  type TrainingArgs,
  type TrainingDefaults,
} from '../cli/training-args';
export {
  runTraining,
  trainingOutputs,
  type TrainingJob,
  type TrainingOutputs,
  type TrainingResult,
} from '../cli/run-training';
export {
  runModel,
  type ModelRecipe,
  type ModelRunArgs,
  type ModelRunResult,
  type RunnableModel,
} from '../cli/run-model';
export { runGankitCli, type CliOutput } from '../cli/gankit-cli';
export { trainMnistScript, runScript, type MnistTrainingScript } from '../cli/mnist-example';
export { errorReport } from '../core/error-report';
