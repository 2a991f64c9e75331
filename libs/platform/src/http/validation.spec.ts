import 'reflect-metadata';
import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { IsString } from 'class-validator';
import { createValidationPipe } from './validation';

class Body {
  @IsString() name: string;
}

describe('the global validation pipe refuses unsafe input before any validator, naming the field', () => {
  const pipe = createValidationPipe();
  const refusal = async (value: unknown, metadata: ArgumentMetadata) => {
    try {
      await pipe.transform(value, metadata);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse() as { issues: Array<{ path: string; rule: string }> };
    }
    throw new Error('not refused');
  };

  it('a body nested 10,000 levels deep (it overflowed the stack in class-validator)', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { name: deep };
    expect((await refusal(deep, { type: 'body', metatype: Body })).issues[0].rule).toBe('maxDepth');
  });

  it('NUL and lone surrogates in a body, a query or a path parameter', async () => {
    expect((await refusal({ name: 'a\u0000' }, { type: 'body', metatype: Body })).issues[0]).toMatchObject({ path: 'name', rule: 'noNulCharacter' });
    expect((await refusal({ status: '\ud800' }, { type: 'query', metatype: Object })).issues[0]).toMatchObject({ path: 'status', rule: 'wellFormedUnicode' });
    expect((await refusal('a\u0000b', { type: 'param', data: 'key', metatype: String })).issues[0]).toMatchObject({ path: 'key', rule: 'noNulCharacter' });
  });

  it('passes clean input on to the validators', async () => {
    await expect(pipe.transform({ name: 'Zoë 😀' }, { type: 'body', metatype: Body })).resolves.toMatchObject({ name: 'Zoë 😀' });
  });
});
