import 'reflect-metadata';
import { runService } from '@ddp/platform';
import { outcomeService } from './outcome.service-definition';

runService(() => outcomeService());
