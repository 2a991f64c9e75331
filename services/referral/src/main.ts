import 'reflect-metadata';
import { runService } from '@ddp/platform';
import { referralService } from './referral.service-definition';

runService(() => referralService());
