-- One database per service (docker-compose; on this machine infra/postgres/create-databases.sh does it).
CREATE DATABASE ddp_referral;
CREATE DATABASE ddp_provider_scheduling;
CREATE DATABASE ddp_outcome;
CREATE DATABASE ddp_notification;
CREATE DATABASE ddp_keycloak;
