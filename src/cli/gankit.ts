#!/usr/bin/env node
/**
 * The `gankit` binary (`npx gankit train | sample | eval`); see {@link runGankitCli}.
 *
 * @packageDocumentation
 */
// The binary is its own bundle, not the Node entry: it installs the Node services (file system)
// itself, or reading a checkpoint's ema-generator/ folder would fail as if in a browser.
import '../node-services';
import { runGankitCli } from './gankit-cli';
import { errorReport } from '../core/error-report';

runGankitCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`gankit: ${errorReport(error)}`);
    process.exitCode = 1;
  },
);
