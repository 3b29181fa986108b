import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, ApiError, reachServer } from '../api/client.ts';
import { forgetSession } from './current-user.ts';

/** What the login page says when it opens after a logout (passed as the navigation's state). */
export interface LoginPageNotice {
  notice?: string;
}

/**
 * Ends this session (POST /api/auth/logout), forgets the account, then opens the login page. A session
 * the server already ended (401) counts as ended; any other failure is shown and nothing is forgotten.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      // A Pro Santé Connect session also ends at the provider: ask where to go. That route ends our session
      // too (any session, PSC or not); only when it fails is the plain logout asked for.
      const psc = await reachServer(api.POST('/api/auth/psc/logout'));
      if (psc.response.ok) return psc.data?.endSessionUrl ?? null;
      const result = await reachServer(api.POST('/api/auth/logout'));
      if (!result.response.ok && result.response.status !== 401) {
        throw ApiError.fromResponse(result.response, result.error);
      }
      return null;
    },
    onSuccess: (endSessionUrl) => {
      forgetSession(queryClient);
      if (endSessionUrl) {
        window.location.assign(endSessionUrl);
        return;
      }
      const state: LoginPageNotice = { notice: 'Vous êtes déconnecté.' };
      void navigate('/connexion', { state });
    },
  });
}
