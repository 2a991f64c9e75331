import { CreateAppointment1763700000200 } from './1763700000200-create-appointment';

export const PROVIDER_SCHEDULING_MIGRATIONS = [CreateAppointment1763700000200];
