import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBicep, type BicepFile } from '../support/infra/bicep-declarations.js';
import { bicepFiles, fromRoot, REPO_ROOT, TEMPLATE_PARAMETER_FILES } from '../support/infra/infra-files.js';

interface ParametersFile {
  $schema?: string;
  contentVersion?: string;
  parameters?: Record<string, { value?: unknown; reference?: unknown }>;
}

const PLACEHOLDER = /^\$\{\{[A-Za-z_][A-Za-z0-9_]*\}\}$/;

function readParameters(file: string): ParametersFile {
  return JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as ParametersFile;
}

describe('the Bicep templates', () => {
  const files = bicepFiles();
  const parsed = new Map<string, BicepFile>(files.map((file) => [file, parseBicep(file)]));

  it('scan cleanly: strings, comments, brackets and declarations are well formed', () => {
    assert.ok(files.length >= 11, `found ${files.length} Bicep files`);
    for (const [file, bicep] of parsed) assert.equal(bicep.targetScope, 'resourceGroup', `${fromRoot(file)} must target a resource group`);
  });

  it('describe every param and every output', () => {
    let params = 0;
    for (const [file, bicep] of parsed) {
      for (const param of bicep.params) {
        params++;
        assert.ok(
          param.description && param.description.trim().length >= 10,
          `${fromRoot(file)}:${param.line}: param ${param.name} needs a @description`,
        );
      }
      for (const output of bicep.outputs) {
        assert.ok(
          output.description && output.description.trim().length >= 10,
          `${fromRoot(file)}:${output.line}: output ${output.name} needs a @description`,
        );
      }
    }
    assert.ok(params >= 60, `found only ${params} params`);
  });

  it('mark the client secret @secure, and hold no other secret in a param', () => {
    for (const [file, bicep] of parsed) {
      for (const param of bicep.params) {
        const looksSecret = /(password|secret|key)$/i.test(param.name);
        assert.equal(
          param.secure,
          looksSecret,
          `${fromRoot(file)}:${param.line}: ${param.name} ${looksSecret ? 'must be @secure()' : 'is @secure() but does not look like a secret'}`,
        );
      }
    }
  });

  for (const [template, parameterFiles] of Object.entries(TEMPLATE_PARAMETER_FILES)) {
    for (const parametersFile of parameterFiles) {
      it(`get a value for every required param of ${template} from ${parametersFile}, and for no undeclared one`, () => {
        const bicep = parsed.get(join(REPO_ROOT, template));
        assert.ok(bicep, `${template} not found`);
        const document = readParameters(parametersFile);
        assert.equal(document.$schema, 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#');
        assert.equal(document.contentVersion, '1.0.0.0');
        const given = document.parameters ?? {};
        const declared = new Map(bicep.params.map((p) => [p.name, p]));
        for (const name of Object.keys(given))
          assert.ok(declared.has(name), `${parametersFile} sets ${name}, which ${template} does not declare`);
        for (const param of bicep.params.filter((p) => !p.hasDefault)) {
          assert.ok(given[param.name] && 'value' in given[param.name]!, `${parametersFile} must give ${param.name} (it has no default)`);
        }
        for (const [name, entry] of Object.entries(given)) {
          const allowed = declared.get(name)!.allowed;
          if (allowed && typeof entry.value === 'string' && !PLACEHOLDER.test(entry.value)) {
            assert.ok(allowed.includes(entry.value), `${parametersFile}: ${name}=${entry.value} is not one of ${allowed.join(', ')}`);
          }
          assert.ok(
            !declared.get(name)!.secure || (typeof entry.value === 'string' && PLACEHOLDER.test(entry.value)),
            `${parametersFile}: ${name} is a secret: give it from a SECRET_ variable, never in the file`,
          );
        }
      });
    }
  }

  it('pass every module the params it requires and only params it declares', () => {
    let modules = 0;
    for (const [file, bicep] of parsed) {
      for (const module of bicep.modules) {
        modules++;
        assert.ok(existsSync(module.file), `${fromRoot(file)}:${module.line}: ${module.path} does not exist`);
        const target = parsed.get(module.file) ?? parseBicep(module.file);
        const declared = new Set(target.params.map((p) => p.name));
        for (const name of module.passed)
          assert.ok(
            declared.has(name),
            `${fromRoot(file)}:${module.line}: ${module.symbol} passes ${name}, which ${module.path} does not declare`,
          );
        for (const param of target.params.filter((p) => !p.hasDefault)) {
          assert.ok(
            module.passed.includes(param.name),
            `${fromRoot(file)}:${module.line}: ${module.symbol} must pass ${param.name} to ${module.path}`,
          );
        }
      }
    }
    assert.ok(modules >= 9, `found only ${modules} module declarations`);
  });

  it('read only outputs their modules declare', () => {
    for (const [file, bicep] of parsed) {
      const modules = new Map(bicep.modules.map((m) => [m.symbol, m]));
      for (const reference of bicep.outputReferences) {
        const module = modules.get(reference.symbol);
        assert.ok(module, `${fromRoot(file)}:${reference.line}: ${reference.symbol} is not a module of this file`);
        const target = parsed.get(module.file) ?? parseBicep(module.file);
        assert.ok(
          target.outputs.some((o) => o.name === reference.output),
          `${fromRoot(file)}:${reference.line}: ${module.path} has no output ${reference.output}`,
        );
      }
    }
  });

  it('use dated, non-preview API versions for every resource', () => {
    for (const [file, bicep] of parsed) {
      for (const resource of bicep.resources) {
        assert.match(
          resource.apiVersion,
          /^\d{4}-\d{2}-\d{2}$/,
          `${fromRoot(file)}:${resource.line}: ${resource.type}@${resource.apiVersion}`,
        );
      }
    }
  });
});
