#!/usr/bin/env node
// The `wasmpipe` command. It lives outside dist/ so that `npm install` can link it before the first
// build (npm links no bin whose file is missing); it runs the built binary.
import '../dist/main.js';
