// The benchmarks' HTTP client: one keep-alive HTTP/1.1 connection to the service, one request at a time, as each
// pgbench client holds one connection to PostgreSQL. The driver shares the two cores with the service and
// PostgreSQL: through Node's http client it spent 0.25-0.3 ms of CPU per request, a third of what the service
// spends serving it (docs/benchmarks.md). Answers must say their length (the service's always do).
const net = require('node:net');

const HEAD_END = Buffer.from('\r\n\r\n');

class HttpConnection {
  /** @param {string} base the service's address, http://host:port */
  constructor(base) {
    const { hostname, port, host } = new URL(base);
    this.host = host;
    this.socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
    this.socket.on('data', (chunk) => this.received(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the service closed the connection')));
    this.buffer = Buffer.alloc(0);
    this.waiting = null;
  }

  /** One request: its answer's status and parsed body. */
  call(key, method, path, body) {
    if (this.waiting) return Promise.reject(new Error('one request at a time on a connection'));
    const payload = body === undefined ? '' : JSON.stringify(body);
    const headers = payload
      ? `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`
      : '';
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(
        `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\nx-api-key: ${key}\r\n${headers}\r\n${payload}`,
      );
    });
  }

  close() {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  received(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without its length:\n${head}`));
    const end = headEnd + HEAD_END.length + Number(length[1]);
    if (this.buffer.length < end) return;
    const text = this.buffer.toString('utf8', headEnd + HEAD_END.length, end);
    this.buffer = this.buffer.subarray(end);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve({ status: Number(head.slice(9, 12)), body: text ? JSON.parse(text) : null });
  }

  fail(error) {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}

/** `callers` callers at once, each on a connection of its own to `baseOf(caller)`: `work(connection, caller)`. */
async function asCallers(callers, baseOf, work) {
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      const connection = new HttpConnection(baseOf(caller));
      try {
        await work(connection, caller);
      } finally {
        connection.close();
      }
    }),
  );
}

module.exports = { asCallers, HttpConnection };
