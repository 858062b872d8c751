# One image for every meshtrail service; the command picks the service:
#   node dist/apps/<service>/src/main.js       (gateway, audit-ingest, access-log, telemetry-relay, retention)
#   node dist/apps/admin-cli/src/main.js setup (schema migration and topic provisioning)
# Build with the commit and branch, which /version reports (the image has no .git):
#   docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD) --build-arg GIT_BRANCH=$(git rev-parse --abbrev-ref HEAD) .
# Node.js 24 LTS in both stages, pinned by digest so a rebuild gets the same base (this one is
# node:24-bookworm-slim as published for Node 24.18.0). To move to a newer patch release, read the
# current digest with `docker buildx imagetools inspect node:24-bookworm-slim` and replace it here.
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patches to dependencies, applied by npm ci's postinstall (patch-package, then its stamp)
COPY patches ./patches
COPY scripts/lib/patches-stamp.mjs ./scripts/lib/
RUN npm ci --no-audit --no-fund
COPY . .
ARG GIT_COMMIT=unknown
ARG GIT_BRANCH=unknown
RUN GIT_COMMIT=$GIT_COMMIT GIT_BRANCH=$GIT_BRANCH node scripts/build.mjs && npm prune --omit=dev

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/nest-cli.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ARG GIT_COMMIT=unknown
ARG GIT_BRANCH=unknown
ENV GIT_COMMIT=$GIT_COMMIT GIT_BRANCH=$GIT_BRANCH
# the telemetry relay's disk queue (mount a volume here): owned by the user the services run as
ENV TELEMETRY_QUEUE_DIR=/var/lib/meshtrail/telemetry-queue
RUN mkdir -p /var/lib/meshtrail/telemetry-queue && chown -R node:node /var/lib/meshtrail
USER node
ENTRYPOINT ["node"]
CMD ["dist/apps/gateway/src/main.js"]
