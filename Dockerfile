# The Pull Doctor bot server (node dist/server/main.js), as Azure Container Apps runs it. Built by `atk deploy`
# with `az acr build` (m365agents.yml); locally: docker build -t pulldoctor .
# In production, pin the base image by digest (docker buildx imagetools inspect node:20-bookworm-slim).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# No install scripts but the native module's: `prepare` (the build) needs the sources, copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The server only: the CLI's bundle (npm run build's second half, scripts/build-cli.ts) is not part of the image.
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Adaptive Card templates, read at run time from <app>/cards.
COPY cards ./cards
USER node
EXPOSE 3978
# Node is PID 1 and handles SIGTERM itself: in-flight turns finish (up to 20 s) before it exits.
# --disable-warning=DEP0111: restify's spdy → http-deceiver reads process.binding('http_parser') at import.
CMD ["node", "--disable-warning=DEP0111", "dist/server/main.js"]
