export { writeFakeAz, type FakeAz, type FakeAzOptions } from './write-fake-az.js';
