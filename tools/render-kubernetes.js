#!/usr/bin/env node
// Renders a Kustomize directory of infra/kubernetes the way `kustomize build` would, for the
// few fields the project uses (resources, images): helm and kustomize binaries cannot be
// fetched on the project's machines, and the tests validate what this prints
// (tools/kubernetes.spec.ts). A field it does not know is refused rather than ignored.
//   node tools/render-kubernetes.js [dir]    prints the manifests as one YAML stream
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'images']);

function renderKustomization(dir) {
  const kustomization = YAML.parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  const unknown = Object.keys(kustomization).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${dir}/kustomization.yaml: ${unknown.join(', ')} not supported by tools/render-kubernetes.js`);
  const objects = kustomization.resources.flatMap((file) =>
    YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    }),
  ).filter(Boolean);
  for (const object of objects) {
    const pod = object.spec?.template?.spec;
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const [name] = container.image.split(':');
      const image = (kustomization.images ?? []).find((i) => i.name === name);
      if (image) container.image = `${image.newName ?? name}:${image.newTag ?? container.image.split(':')[1]}`;
    }
  }
  return objects;
}

module.exports = { renderKustomization };

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, '../infra/kubernetes/base');
  process.stdout.write(renderKustomization(dir).map((o) => YAML.stringify(o)).join('---\n'));
}
