import { ClientError } from '../../../src/contract/client.js';

export function messageOf(err: unknown): string {
  if (err instanceof ClientError) return err.message;
  return 'Something went wrong in the app. Reload the page; your vault is unchanged.';
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {messageOf(error)}
    </p>
  );
}
