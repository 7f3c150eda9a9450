// Closed-loop load of `quote.getQuote` calls: node client.js NATS_URL CONCURRENCY SECONDS WARMUP_SECONDS
// Prints one JSON line: {"requests":..,"errors":..,"seconds":..,"p50us":..,"p99us":..}
const { ServiceBroker } = require('moleculer');

const [natsUrl, concurrencyText, secondsText, warmupText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);

async function load(seconds, latencies) {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let errors = 0;
  async function caller() {
    while (process.hrtime.bigint() < end) {
      const begin = process.hrtime.bigint();
      try {
        await broker.call('quote.getQuote', { productId: 42 });
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - begin) / 1000);
    }
  }
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { errors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const broker = new ServiceBroker({ nodeID: `client-${process.pid}`, transporter: natsUrl, logger: false });
(async () => {
  await broker.start();
  await broker.waitForServices(['quote'], 15000);
  await load(Number(warmupText), []);
  const latencies = [];
  const { errors, seconds } = await load(Number(secondsText), latencies);
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
  console.log(JSON.stringify({ requests: latencies.length, errors, seconds, p50us: at(50), p99us: at(99) }));
  await broker.stop();
})().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
