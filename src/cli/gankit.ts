#!/usr/bin/env node
/**
 * The `gankit` binary (`npx gankit eval <checkpoint-dir>`); see {@link runGankitCli}.
 *
 * @packageDocumentation
 */
import { runGankitCli } from '../eval/eval-command';

void runGankitCli(process.argv).then((code) => {
  process.exitCode = code;
});
