import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";

export type Payment = Schemas["PaymentPublic"];
export type TestOutcome = Schemas["PurchaseRequest"]["test_outcome"];

/** Everything a payment can change: balance, history, referral bonuses. */
export const BILLING_KEY = ["billing"] as const;
export const HISTORY_PAGE_SIZE = 20;
/** The payment being confirmed on the provider's page, read back when the student returns. */
const PENDING_PAYMENT_KEY = "ailingva:pending-payment";
/** Pauses between re-reads of a returning payment (about half a minute in all). */
const POLL_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

export function useBalance() {
  return useQuery({
    queryKey: [...BILLING_KEY, "balance"],
    queryFn: () => unwrap(api.GET("/api/billing/balance")),
  });
}

export function usePackages() {
  return useQuery({
    queryKey: [...BILLING_KEY, "packages"],
    queryFn: () => unwrap(api.GET("/api/billing/packages")),
  });
}

export function useTransactions(offset: number) {
  return useQuery({
    queryKey: [...BILLING_KEY, "transactions", offset],
    queryFn: () =>
      unwrap(api.GET("/api/billing/transactions", {
        params: { query: { limit: HISTORY_PAGE_SIZE, offset } },
      })),
    placeholderData: keepPreviousData,
  });
}

export function useReferral() {
  return useQuery({
    queryKey: [...BILLING_KEY, "referral"],
    queryFn: () => unwrap(api.GET("/api/billing/referral")),
  });
}

/** A random key; `crypto.randomUUID` exists only on https and localhost. */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function storedPaymentId(): number | null {
  return Number(sessionStorage.getItem(PENDING_PAYMENT_KEY)) || null;
}

/** Re-reads the payment the student confirmed on the provider's page, with growing pauses. */
function useReturningPayment(onSucceeded: () => void) {
  const [paymentId] = useState(storedPaymentId);
  useEffect(() => sessionStorage.removeItem(PENDING_PAYMENT_KEY), []);
  const payment = useQuery({
    queryKey: ["payment", paymentId],
    queryFn: () =>
      unwrap(api.GET("/api/billing/payments/{payment_id}", {
        params: { path: { payment_id: paymentId ?? 0 } },
      })),
    enabled: paymentId !== null,
    refetchInterval: ({ state }) =>
      state.data?.status === "pending" ? (POLL_DELAYS_MS[state.dataUpdateCount - 1] ?? false)
        : false,
  });
  const succeeded = payment.data?.status === "succeeded";
  useEffect(() => {
    if (succeeded) onSucceeded();
  }, [succeeded, onSucceeded]);
  return payment;
}

/**
 * Buys packages. A double click is one purchase: both requests carry the same
 * Idempotency-Key until the first one settles. A real provider answers `pending` with a page
 * to confirm the payment on; the browser goes there and comes back to /billing.
 */
export function usePurchase() {
  const queryClient = useQueryClient();
  const intentKey = useRef<string | null>(null);
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: BILLING_KEY });
  }, [queryClient]);
  const purchase = useMutation({
    mutationFn: ({ packageId, outcome }: { packageId: number; outcome: TestOutcome }) =>
      unwrap(api.POST("/api/billing/purchase", {
        body: { package_id: packageId, test_outcome: outcome },
        params: { header: { "Idempotency-Key": (intentKey.current ??= idempotencyKey()) } },
      })),
    onSuccess: (payment) => {
      if (payment.status === "pending" && payment.confirmation_url) {
        sessionStorage.setItem(PENDING_PAYMENT_KEY, String(payment.id));
        window.location.assign(payment.confirmation_url);
      } else {
        refresh();
      }
    },
    onSettled: () => {
      intentKey.current = null;
    },
  });
  const returning = useReturningPayment(refresh);
  return { purchase, returning };
}
