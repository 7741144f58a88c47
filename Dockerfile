# Vigil as a container: `docker build -t vigil .` then
#   docker run -d -p 8080:8080 -v vigil-data:/data -e VIGIL_PUBLIC_URL=https://vigil.example.com vigil
# The first start prints the admin's email and password in the logs (`docker logs <container>`).
# Any `vigil` verb runs the same way: `docker exec <container> vigil admin backup /data/backup.db`.
# With PostgreSQL: docker-compose.yml. Details: docs/deployment.md.

# --- build: install everything, build the web UI, then drop the dev dependencies ---------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Only needed when no prebuilt better-sqlite3 binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run build:web \
 && npm run build:server \
 && test -f web/dist/index.html \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: Node, the built server (dist/), production modules and the built UI --------------
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data \
 && chown node:node /data \
 && printf '#!/bin/sh\nexec node /app/bin/vigil.js "$@"\n' > /usr/local/bin/vigil \
 && chmod 0755 /usr/local/bin/vigil
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    VIGIL_HOST=0.0.0.0 \
    VIGIL_DATABASE_URL=sqlite:/data/vigil.db
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# The uid 1000 "node" user of the Node image: Vigil never runs as root.
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini is PID 1: it passes SIGTERM on to Vigil (which stops within 15 s) and reaps children.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/vigil.js"]
CMD ["server"]
