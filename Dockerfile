FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY . .
RUN npm run build
ENV PORT=3000
EXPOSE 3000
USER node
CMD ["node", "dist/apps/allocator/src/main.js"]
