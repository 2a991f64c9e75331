import type { ClassConstructor } from 'class-transformer';
import type { TopicName } from '../topics';

/** One event type: its name (past tense), major version, owning topic and data class. */
export interface EventDefinition<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly version: number;
  readonly topic: TopicName;
  readonly data: ClassConstructor<TData>;
  readonly description: string;
}

export function defineEvent<TType extends string, TData extends object>(
  definition: EventDefinition<TType, TData>,
): EventDefinition<TType, TData> {
  return Object.freeze(definition);
}

export type DataOf<D> = D extends EventDefinition<string, infer T> ? T : never;
