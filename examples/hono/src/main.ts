import { startServer } from './app.js'

const server = await startServer({ port: Number(process.env.PORT ?? 3000) })
console.log(`Hono example: ${server.url}/api/health`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close())
