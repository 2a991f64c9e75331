# One image for the four services (SERVICE picks which one runs), and a `local-outbox` target
# for docker-compose.yml. For users with Docker; on the project's own machines `npm start` runs
# the same code without containers (no Docker engine there, and nothing depends on one).
#
# `npm install`, as `npm start` and `npm test` do: it follows package-lock.json and, unlike
# `npm ci`, also passes a lock written where other platforms' optional binaries (e.g.
# @swc/core-darwin-*) could not be fetched (tools/test.sh).

# Everything, to build dist/ (SWC) and the services' Node.js options.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --no-audit --no-fund
COPY . .
# The services' Node.js options (V8 memory limits, source maps for our code only), from the
# same file npm start and the tests use: see tools/service-node-args.js for why.
RUN node tools/build.js && node tools/service-node-args.js > dist/service-node-args

# Production dependencies only, installed apart so no dev package is left behind.
FROM node:20.20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --omit=dev --no-audit --no-fund

# The local outbox of docker-compose.yml (SMTP, a GOV.UK Notify stand-in, a webhook receiver):
# a development tool, so it keeps the build stage's dependencies (smtp-server). Never deployed.
FROM build AS local-outbox
USER node
ENV LOCAL_OUTBOX_BIND=0.0.0.0
CMD ["node", "tools/local-outbox.js"]

# The service image (the default target): compiled code, production dependencies, not root.
FROM node:20.20-bookworm-slim AS service
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
# The image's own unprivileged user (uid 1000); nothing here needs to write outside /tmp.
USER node
ARG SERVICE=referral
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec node $(cat dist/service-node-args) dist/services/${SERVICE}/src/main.js"]
