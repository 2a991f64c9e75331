import Module from 'node:module';
import path from 'node:path';

/**
 * Preloaded by every service (`node --require .../own-source-maps.js`, see
 * tools/service-node-args.js) instead of `--enable-source-maps`: stack traces show
 * TypeScript lines for our own code, while the source maps that packages ship are never
 * read. Node 20's flag parses, at load time, the map of every module that names one and
 * keeps it for the life of the process: TypeORM alone ships 15 MB of maps with the full
 * TypeScript sources inside, so the flag cost each service about 10 MB of live heap and
 * 15-20 MB of resident memory, for frames nobody reads (Issue 8). Node 22.14+ can say
 * this itself (`module.setSourceMapsSupport(true, { nodeModules: false })`); used when there.
 */
type CompileJs = (this: unknown, module: NodeJS.Module, filename: string) => unknown;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

const modern = Module as unknown as { setSourceMapsSupport?: (enabled: boolean, options: { nodeModules: boolean; generatedCode: boolean }) => void };
if (typeof modern.setSourceMapsSupport === 'function') {
  modern.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
} else {
  // Node reads a module's map while compiling it, only if source maps are on at that
  // moment: turn them on for our files and off for packages, just before each compile.
  const extensions = (Module as unknown as { _extensions: Record<string, CompileJs> })._extensions;
  const compileJs = extensions['.js'];
  extensions['.js'] = function (this: unknown, module: NodeJS.Module, filename: string) {
    process.setSourceMapsEnabled(!filename.includes(NODE_MODULES));
    try {
      return compileJs.call(this, module, filename);
    } finally {
      // On between loads, so errors thrown at any time have their stacks mapped.
      process.setSourceMapsEnabled(true);
    }
  };
  process.setSourceMapsEnabled(true);
}
