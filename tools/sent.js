#!/usr/bin/env node
// `npm run sent`: what the local outbox of a running `npm start` received, as text.
const path = require('path');
const { LOCAL_OUTBOX } = require('./local-run');
const { renderSentText } = require(path.resolve(__dirname, '../dist/libs/local-outbox/src'));

fetch(`http://127.0.0.1:${LOCAL_OUTBOX.pagePort}/sent.json`)
  .then((res) => res.json())
  .then(({ sent }) => console.log(renderSentText(sent)))
  .catch(() => {
    console.error(`npm run sent: no local outbox on 127.0.0.1:${LOCAL_OUTBOX.pagePort}; it runs while \`npm start\` does`);
    process.exit(1);
  });
