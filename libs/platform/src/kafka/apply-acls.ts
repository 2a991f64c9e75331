import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Kafka } from 'kafkajs';
import { aclKey, kafkaAcls, type KafkaAcl } from './kafka-acls';

/**
 * Makes the broker's ACLs exactly the table's (kafka-acls.ts): creates what is missing and
 * deletes every other ALLOW or DENY binding, so a line taken out of the table is taken
 * off the broker too. Needs a super user's client. Returns what it changed.
 */
export async function applyKafkaAcls(kafka: Kafka, wanted: KafkaAcl[] = kafkaAcls()): Promise<{ created: number; deleted: number; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
    });
    const wantedKeys = new Set(wanted.map(aclKey));
    const presentEntries: AclEntry[] = present.resources.flatMap((r) =>
      r.acls.map((a) => ({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })),
    );
    const presentKeys = new Set(presentEntries.map(keyOf));
    const extra = presentEntries.filter((e) => !wantedKeys.has(keyOf(e) ?? ''));
    const missing = wanted.filter((a) => !presentKeys.has(aclKey(a)));
    if (extra.length > 0) await admin.deleteAcls({ filters: extra });
    if (missing.length > 0) await admin.createAcls({ acl: missing.map(toEntry) });
    return { created: missing.length, deleted: extra.length, total: wanted.length };
  } finally {
    await admin.disconnect();
  }
}

const RESOURCE = { TOPIC: AclResourceTypes.TOPIC, GROUP: AclResourceTypes.GROUP } as const;
const PATTERN = { LITERAL: ResourcePatternTypes.LITERAL, PREFIXED: ResourcePatternTypes.PREFIXED } as const;
const OPERATION = { READ: AclOperationTypes.READ, WRITE: AclOperationTypes.WRITE, DESCRIBE: AclOperationTypes.DESCRIBE } as const;

function toEntry(acl: KafkaAcl): AclEntry {
  return {
    principal: acl.principal, host: '*', permissionType: AclPermissionTypes.ALLOW,
    resourceType: RESOURCE[acl.resourceType], resourceName: acl.resourceName,
    resourcePatternType: PATTERN[acl.patternType], operation: OPERATION[acl.operation],
  };
}

/** The table's key of a binding the table could have written (ALLOW, any host, its kinds), else null. */
function keyOf(e: AclEntry): string | null {
  const find = <T extends Record<string, number>>(table: T, value: number) => Object.keys(table).find((k) => table[k] === value) as keyof T | undefined;
  const resourceType = find(RESOURCE, e.resourceType);
  const patternType = find(PATTERN, e.resourcePatternType);
  const operation = find(OPERATION, e.operation);
  if (!resourceType || !patternType || !operation || e.host !== '*' || e.permissionType !== AclPermissionTypes.ALLOW) return null;
  return aclKey({ principal: e.principal, resourceType, resourceName: e.resourceName, patternType, operation });
}
