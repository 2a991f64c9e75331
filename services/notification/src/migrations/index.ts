import { CreateNotification1763700000400 } from './1763700000400-create-notification';
import { DeliveryLog1763700000401 } from './1763700000401-delivery-log';
import { RoomForUpdates1763700000402 } from './1763700000402-room-for-updates';
import { DeliveryReceipt1763700000403 } from './1763700000403-delivery-receipt';
import { GuardiansAndYouthOffendingTeams1763700000450 } from './1763700000450-guardians-and-youth-offending-teams';

export const NOTIFICATION_MIGRATIONS = [
  CreateNotification1763700000400, DeliveryLog1763700000401, RoomForUpdates1763700000402, DeliveryReceipt1763700000403, GuardiansAndYouthOffendingTeams1763700000450,
];
