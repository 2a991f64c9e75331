# One image for the four services (SERVICE picks which one runs). For users with Docker;
# on the project's own machines `npm start` runs the same code without containers.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# The services' Node.js options (V8 memory limits, source maps for our code only), from
# the same file npm start and the tests use: see tools/service-node-args.js for why.
RUN node tools/build.js && node tools/service-node-args.js > dist/service-node-args && npm prune --omit=dev

FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
ARG SERVICE=referral
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec node $(cat dist/service-node-args) dist/services/${SERVICE}/src/main.js"]
