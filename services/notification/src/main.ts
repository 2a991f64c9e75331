import 'reflect-metadata';
import { runService } from '@ddp/platform';
import { notificationService } from './notification.service-definition';

runService(() => notificationService());
