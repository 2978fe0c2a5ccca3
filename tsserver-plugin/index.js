// A TypeScript server plugin, loaded by VS Code's TypeScript support because
// the zoar extension names it in contributes.typescriptServerPlugins.
// Objective files import "zoar"; at run time zoar supplies that module, but a
// workspace that does not install zoar would show "Cannot find module 'zoar'"
// on the first line of every objective. Where the project's own resolution
// finds nothing, this plugin resolves "zoar" to the extension's declarations.
"use strict";
const path = require("node:path");

const MODULE_NAME = "zoar";
/** The SDK's declarations, built by tsconfig.sdk-types.json into the extension's dist/. */
const DECLARATIONS = path.resolve(__dirname, "../../dist/types/objective/sdk.d.ts");

function init({ typescript: ts }) {
  const zoarModule = { resolvedFileName: DECLARATIONS, extension: ts.Extension.Dts, isExternalLibraryImport: true };

  function create(info) {
    const host = info.languageServiceHost;
    const fallback = (name, containingFile, options) => ts.resolveModuleName(name, containingFile, options, host).resolvedModule;
    const withZoar = (name, resolved) => (resolved === undefined && name === MODULE_NAME ? zoarModule : resolved);

    if (host.resolveModuleNameLiterals) {
      const original = host.resolveModuleNameLiterals.bind(host);
      host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, ...rest) =>
        original(literals, containingFile, redirected, options, ...rest).map((result, i) => {
          const resolved = withZoar(literals[i].text, result.resolvedModule);
          return resolved === result.resolvedModule ? result : { ...result, resolvedModule: resolved };
        });
    } else {
      // No host resolution of its own: TypeScript's standard resolution, then "zoar".
      host.resolveModuleNameLiterals = (literals, containingFile, _redirected, options) =>
        literals.map((literal) => ({ resolvedModule: withZoar(literal.text, fallback(literal.text, containingFile, options)) }));
    }
    info.project.projectService.logger.info(`zoar-tsserver-plugin: "zoar" resolves to ${DECLARATIONS} where nothing else provides it`);
    return info.languageService;
  }

  return { create };
}

module.exports = init;
