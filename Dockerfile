# syntax=docker/dockerfile:1
#
# Zoomgram: one image for every role (`serve`, `web`, `worker`, `migrate`, `doctor`, `simulate`).
# The service runs compiled JavaScript (dist/, `tsc -p tsconfig.build.json` plus the .ftl and .json
# assets, see scripts/build.mjs) on Node.js 24 LTS: no transpiler in the process. The build stage
# installs every dependency (compiling better-sqlite3 against Node 24 if no prebuilt binary fits),
# compiles src/ to dist/ (`npm ci` runs the build through `prepare`), then drops the
# devDependencies; the runtime stage copies node_modules and dist/ and runs as the unprivileged
# `node` user. The sources are not in the image.
#
#   docker build -t zoomgram .
#   docker run --env-file .env -p 3000:3000 -v zoomgram-data:/data zoomgram          # serve
#   docker run --env-file .env zoomgram doctor                                       # check the setup
#
# ffmpeg comes from npm (@ffmpeg-installer/ffmpeg, a static build for linux-x64 and linux-arm64);
# set INSTALL_APT_FFMPEG=1 to use Debian's ffmpeg instead (found first, on PATH).

# Node.js 24 LTS ("Krypton"); CI runs the suite on it and on Node 20 (.ci/run).
ARG NODE_VERSION=24

# --- build: compile dist/, then production node_modules --------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Toolchain for native modules (better-sqlite3) when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm ci --no-audit --no-fund \
 && test -f dist/cli/main.js \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG INSTALL_APT_FFMPEG=0
RUN if [ "$INSTALL_APT_FFMPEG" = "1" ]; then \
      apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*; \
    fi \
 && mkdir -p /data /tmp/zoomgram \
 && chown node:node /data /tmp/zoomgram \
 && chmod 700 /tmp/zoomgram

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/zoomgram.db \
    MEDIA_DIR=/tmp/zoomgram

COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin

# The code is owned by root and read-only to the service; only /data and the media dir are
# writable by it.
USER node
VOLUME ["/data"]
EXPOSE 3000

# No curl in the slim image: Node's own fetch asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SIGTERM lets in-flight jobs finish (zoomgram stops claiming, waits, then releases the rest).
STOPSIGNAL SIGTERM
# Plain node: `--optimize-for-size` would hold about 20-30 MB less but cost a webhook about half
# again as much CPU (docs/scaling.md, "Memory"); operators who need the memory can add it here.
ENTRYPOINT ["node", "bin/zoomgram.mjs"]
CMD ["serve"]
