# One image for the four services (SERVICE picks which one runs). For users with Docker;
# on the project's own machines `npm start` runs the same code without containers.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node tools/build.js && npm prune --omit=dev

FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
ARG SERVICE=referral
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec node --enable-source-maps dist/services/${SERVICE}/src/main.js"]
