// The public entry of @wasmpipe/cli: the command line as a function, and the built-in registry.
export { main } from './cli.ts';
export { builtInComponents, createBuiltInRegistry } from './components.ts';
export { defaultConfigYaml } from './default-config.ts';
export { loadConfig } from './load-config.ts';
