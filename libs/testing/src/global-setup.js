// Jest global setup for the integration and e2e suites: the real servers must be up.
// Builds dist/ when missing (tools/create-topics.js runs from it) and runs tools/infra.sh.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports = async () => {
  const root = path.resolve(__dirname, '../../..');
  if (!fs.existsSync(path.join(root, 'dist/libs/platform/src/index.js'))) {
    execFileSync(process.execPath, [path.join(root, 'tools/build.js')], { stdio: 'inherit' });
  }
  execFileSync('bash', [path.join(root, 'tools/infra.sh'), 'up'], { stdio: 'inherit' });
};
