import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { Layout, LayoutIfSignedIn } from "./components/Layout";
import { RequireAuth } from "./components/RequireAuth";
import { AdminLayout } from "./admin/AdminLayout";
import { AuditScreen } from "./admin/AuditScreen";
import { BillingScreen } from "./admin/BillingScreen";
import { ProvidersScreen } from "./admin/ProvidersScreen";
import { MonitorScreen } from "./admin/MonitorScreen";
import { RulesScreen } from "./admin/RulesScreen";
import { UserScreen } from "./admin/UserScreen";
import { UsersScreen } from "./admin/UsersScreen";
import { AuthPage } from "./pages/AuthPage";
import { BillingPage } from "./pages/BillingPage";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { StudentPage } from "./pages/StudentPage";

// The charts library is big: only the progress page and the admin's Обзор load it.
const ProgressPage = lazy(() =>
  import("./pages/ProgressPage").then((module) => ({ default: module.ProgressPage })));
const AnalyticsScreen = lazy(() =>
  import("./admin/AnalyticsScreen").then((module) => ({ default: module.AnalyticsScreen })));

export const ROUTER_FUTURE = { v7_startTransition: true, v7_relativeSplatPath: true };

export function App() {
  return (
    <Routes>
      <Route index element={<Navigate to="/student" replace />} />
      <Route path="/login" element={<AuthPage key="login" mode="login" />} />
      <Route path="/register" element={<AuthPage key="register" mode="register" />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route path="/student" element={<StudentPage />} />
        <Route
          path="/progress"
          element={
            <Suspense fallback={<p className="muted" role="status">Загружаем прогресс…</p>}>
              <ProgressPage />
            </Suspense>
          }
        />
        <Route path="/billing" element={<BillingPage />} />
      </Route>
      <Route
        path="/admin"
        element={
          <RequireAuth role="admin">
            <AdminLayout />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="overview" replace />} />
        <Route
          path="overview"
          element={
            <Suspense fallback={<p className="muted" role="status">Загружаем обзор…</p>}>
              <AnalyticsScreen />
            </Suspense>
          }
        />
        <Route path="users" element={<UsersScreen />} />
        <Route path="users/:userId" element={<UserScreen />} />
        <Route path="providers" element={<ProvidersScreen />} />
        <Route path="rules" element={<RulesScreen />} />
        <Route path="audit" element={<AuditScreen />} />
        <Route path="billing" element={<BillingScreen />} />
        <Route path="monitor" element={<MonitorScreen />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
      <Route element={<LayoutIfSignedIn />}>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
