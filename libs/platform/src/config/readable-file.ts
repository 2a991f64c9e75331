import { accessSync, constants, statSync } from 'node:fs';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/** The value names a file this process can read (checked at boot, not at first use). */
export function IsReadableFile(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must name a readable file`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value === '') return false;
          try {
            accessSync(value, constants.R_OK);
            return statSync(value).isFile();
          } catch {
            return false;
          }
        },
      },
    });
}
