// The `quote` service of Micron's remote-call benchmark, as a Moleculer service on a NATS transporter.
const { ServiceBroker } = require('moleculer');

const broker = new ServiceBroker({ nodeID: `quote-${process.pid}`, transporter: process.argv[2], logger: false });
broker.createService({
  name: 'quote',
  actions: {
    getQuote(ctx) {
      return { productId: ctx.params.productId, price: ctx.params.productId * 1.5 };
    },
  },
});
broker.start().then(() => console.log('ready'));
process.on('SIGTERM', () => broker.stop().then(() => process.exit(0)));
