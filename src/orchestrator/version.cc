// Keeps the orchestrator library non-empty while its parts arrive.
namespace sluice::orchestrator {
int ComponentVersion() { return 1; }
}  // namespace sluice::orchestrator
