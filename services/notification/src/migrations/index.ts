import { CreateNotification1763700000400 } from './1763700000400-create-notification';

export const NOTIFICATION_MIGRATIONS = [CreateNotification1763700000400];
