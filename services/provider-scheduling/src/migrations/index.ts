import { CreateAppointment1763700000200 } from './1763700000200-create-appointment';
import { SchedulingModel1763700000210 } from './1763700000210-scheduling-model';
import { Worklists1763700000220 } from './1763700000220-worklists';
import { CourseSignposting1763700000230 } from './1763700000230-course-signposting';

export const PROVIDER_SCHEDULING_MIGRATIONS = [CreateAppointment1763700000200, SchedulingModel1763700000210, Worklists1763700000220, CourseSignposting1763700000230];
