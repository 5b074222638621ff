import { useState } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import type { Permission } from '../../../src/contract/roles.js';
import { AgentsScreen } from '../screens/Agents.js';
import { AuditScreen } from '../screens/Audit.js';
import { BackupsScreen } from '../screens/Backups.js';
import { MemoriesScreen } from '../screens/Memories.js';
import { PeopleScreen } from '../screens/People.js';
import { SettingsScreen } from '../screens/Settings.js';
import { useMay, useSession } from './client-context.js';
import { saveTheme, storedTheme, type Theme } from './theme.js';

interface Section {
  path: string;
  label: string;
  needs: Permission | null;
}

/** A section is offered only to roles whose permissions include what it needs. */
const SECTIONS: readonly Section[] = [
  { path: '/memories', label: 'Memories', needs: 'memory.read' },
  { path: '/people', label: 'Spaces & profiles', needs: 'profile.manage' },
  { path: '/agents', label: 'Agents', needs: 'agent.own' },
  { path: '/audit', label: 'Audit log', needs: 'audit.read' },
  { path: '/backups', label: 'Backups', needs: 'backup.manage' },
  { path: '/settings', label: 'Settings', needs: null },
];

export function Shell() {
  const { state, lock } = useSession();
  const may = useMay();
  const [theme, setTheme] = useState<Theme>(storedTheme());
  const sections = SECTIONS.filter((s) => s.needs === null || may(s.needs));
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    saveTheme(next);
    setTheme(next);
  };
  return (
    <>
      <header className="top">
        <h1>Memvault</h1>
        <nav className="main" aria-label="Sections">
          {sections.map((s) => (
            <NavLink key={s.path} to={s.path}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <span className="badge" aria-label="Unlocked profile">
          {state.session?.profile} · {state.session?.role}
        </span>
        <button type="button" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
        <button type="button" className="primary" onClick={() => void lock()} title="Lock now (Alt+Shift+L)">
          Lock
        </button>
      </header>
      <main>
        <Routes>
          {sections.map((s) => (
            <Route key={s.path} path={`${s.path}/*`} element={screenFor(s.path)} />
          ))}
          <Route path="*" element={<Navigate to={sections[0]!.path} replace />} />
        </Routes>
      </main>
    </>
  );
}

function screenFor(path: string) {
  switch (path) {
    case '/memories':
      return <MemoriesScreen />;
    case '/people':
      return <PeopleScreen />;
    case '/agents':
      return <AgentsScreen />;
    case '/audit':
      return <AuditScreen />;
    case '/backups':
      return <BackupsScreen />;
    default:
      return <SettingsScreen />;
  }
}
