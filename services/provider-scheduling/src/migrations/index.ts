import { CreateAppointment1763700000200 } from './1763700000200-create-appointment';
import { SchedulingModel1763700000210 } from './1763700000210-scheduling-model';

export const PROVIDER_SCHEDULING_MIGRATIONS = [CreateAppointment1763700000200, SchedulingModel1763700000210];
