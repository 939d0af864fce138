// Room names. Only the server joins sockets to rooms, from what the database says.
export const rooms = {
  seat: (seatId: number | string) => `seat:${seatId}`,
  branch: (branchId: number | string) => `branch:${branchId}`,
  /** Masters and admins: organisation-wide hints such as `dashboard:changed`. */
  org: 'org',
  user: (userId: number | string) => `user:${userId}`,
  /** Every socket opened with one token, so that revoking it drops them all. */
  token: (tokenId: number | string) => `token:${tokenId}`,
};
