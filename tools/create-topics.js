#!/usr/bin/env node
// Creates every platform topic and dead-letter topic (with explicit partition counts)
// before any service subscribes. Uses the built platform library (run tools/build.js first).
const path = require('path');
const dist = path.resolve(__dirname, '../dist/libs/platform/src');
const { createKafka, ensureTopics } = require(dist);

const kafka = createKafka(process.env.KAFKA_BROKERS || '127.0.0.1:9092', 'ddp-create-topics');
ensureTopics(kafka).then(
  (created) => console.error(`[kafka] topics ready${created.length ? ` (created ${created.join(', ')})` : ''}`),
  (error) => {
    console.error(`[kafka] creating topics failed: ${error.message}`);
    process.exit(1);
  },
);
