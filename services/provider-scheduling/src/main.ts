import 'reflect-metadata';
import { runService } from '@ddp/platform';
import { providerSchedulingService } from './provider-scheduling.service-definition';

runService(() => providerSchedulingService());
