#!/usr/bin/env node
// The `comfyui-sim` command. The CLI lives in src/cli.ts (built to dist/cli.js).
import { runCli } from '../dist/cli.js'

process.exitCode = await runCli(process.argv.slice(2))
