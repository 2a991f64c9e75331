#!/usr/bin/env node
// Creates every platform topic and dead-letter topic (with explicit partition counts)
// before any service subscribes. Uses the built platform library (run tools/build.js first).
const path = require('path');
const dist = path.resolve(__dirname, '../dist/libs/platform/src');
const { createKafka, ensureTopics } = require(dist);

const { TOPIC_PARTITIONS } = require(path.resolve(__dirname, '../dist/libs/contracts/src'));

const started = Date.now();
const kafka = createKafka(process.env.KAFKA_BROKERS || '127.0.0.1:9092', 'ddp-create-topics');
ensureTopics(kafka).then(
  (created) => {
    const partitions = created.reduce((sum, topic) => sum + TOPIC_PARTITIONS[topic], 0);
    const what = created.length ? `created ${created.length} (${partitions} partitions: ${created.join(', ')})` : 'all there';
    console.error(`[kafka] ${Object.keys(TOPIC_PARTITIONS).length} topics ready in ${Date.now() - started} ms; ${what}`);
  },
  (error) => {
    console.error(`[kafka] creating topics failed: ${error.message}`);
    process.exit(1);
  },
);
