#!/usr/bin/env node
// The command's entry exists before the first build, so npm can link it at install time.
import "../dist/cli.js";
