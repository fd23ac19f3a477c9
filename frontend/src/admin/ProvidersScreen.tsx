import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { Loadable } from "../components/Loadable";
import { usePageTitle } from "../usePageTitle";
import { ProviderCard } from "./ProviderCard";
import "./providers.css";
import { CAPABILITIES, PROVIDER_OPTIONS_KEY, PROVIDER_SETTINGS_KEY } from "./providerFields";

/** Провайдеры: who transcribes, answers and speaks; each capability saved and checked alone. */
export function ProvidersScreen() {
  usePageTitle("Провайдеры");
  const settings = useQuery({
    queryKey: PROVIDER_SETTINGS_KEY,
    queryFn: () => unwrap(api.GET("/api/admin/settings")),
  });
  const options = useQuery({
    queryKey: PROVIDER_OPTIONS_KEY,
    queryFn: () => unwrap(api.GET("/api/admin/settings/options")),
    staleTime: 60_000,
  });
  return (
    <>
      <div className="page-header">
        <h1>Провайдеры</h1>
        <p className="muted">
          Кто распознаёт речь, отвечает и говорит. «Проверить» делает один крошечный настоящий
          запрос с тем, что введено в форме, ещё до сохранения. Ключи не показываются: только
          их последние символы.
        </p>
      </div>
      <Loadable query={settings} loading="Загружаем настройки…">
        {(current) => (
          <Loadable query={options} loading="Загружаем варианты…">
            {(choices) => (
              <div className="provider-cards">
                {CAPABILITIES.map((capability) => (
                  <ProviderCard key={capability} capability={capability} settings={current} options={choices} />
                ))}
              </div>
            )}
          </Loadable>
        )}
      </Loadable>
    </>
  );
}
