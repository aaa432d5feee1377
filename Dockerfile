# Build stage: every dependency, the TypeScript build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY apps ./apps
COPY libs ./libs
COPY tsconfig.json tsconfig.build.json ./
RUN npm run build

# Runtime stage: production dependencies only (no dev tools, no embedded PostgreSQL: a container uses DATABASE_URL).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --omit=optional && npm cache clean --force
COPY --from=build /app/dist ./dist
ENV PORT=3000 HOST=0.0.0.0 MIGRATE_ON_START=false
EXPOSE 3000
USER node
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/apps/allocator/src/main.js"]
