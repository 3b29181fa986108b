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
      const result = await reachServer(api.POST('/api/auth/logout'));
      if (!result.response.ok && result.response.status !== 401) {
        throw ApiError.fromResponse(result.response, result.error);
      }
    },
    onSuccess: () => {
      forgetSession(queryClient);
      const state: LoginPageNotice = { notice: 'Vous êtes déconnecté.' };
      void navigate('/connexion', { state });
    },
  });
}
